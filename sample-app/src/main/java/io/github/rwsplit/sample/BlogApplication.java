package io.github.rwsplit.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the blog. With no database configured it first starts a local MySQL primary and two
 * replicas ({@link LocalClusterInitializer}).
 */
@SpringBootApplication
public class BlogApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	static SpringApplication application() {
		SpringApplication application = new SpringApplication(BlogApplication.class);
		application.addInitializers(new LocalClusterInitializer());
		return application;
	}

}
