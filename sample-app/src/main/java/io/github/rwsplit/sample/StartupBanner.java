package io.github.rwsplit.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says where the blog listens once it is ready to serve.
 */
@Component
class StartupBanner {

	private static final Log logger = LogFactory.getLog(StartupBanner.class);

	@EventListener
	void ready(ApplicationReadyEvent event) {
		if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
			logger.info("rwsplit sample blog listening on http://localhost:" + web.getWebServer().getPort()
					+ " (try: curl -s localhost:" + web.getWebServer().getPort() + "/posts; nodes and routes: curl -s localhost:"
					+ web.getWebServer().getPort() + "/actuator/rwsplit)");
		}
	}

}
