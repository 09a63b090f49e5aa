package org.springframework.boot.testcontainers.service.connection;

import java.lang.reflect.Field;
import java.util.List;

import org.testcontainers.containers.Container;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ReflectionUtils;

/**
 * Test access to Spring Boot's package-private service-connection sources and registrar, so that
 * rwsplit's factory meets the same sources, origins and registration rules as in a real test
 * class, without a Docker engine. Lives in Spring Boot's package only for that access.
 */
public final class ContainerSources {

	private ContainerSources() {
	}

	/**
	 * The source Spring Boot makes for a {@code @ServiceConnection} field of a test class.
	 * @param type the class declaring the static field
	 * @param fieldName the field's name
	 * @return the source, its container being the field's value
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static ContainerConnectionSource<?> field(Class<?> type, String fieldName) {
		Field field = ReflectionUtils.findField(type, fieldName);
		ReflectionUtils.makeAccessible(field);
		Container<?> container = (Container<?>) ReflectionUtils.getField(field, null);
		MergedAnnotations annotations = MergedAnnotations.from(field);
		MergedAnnotation<ServiceConnection> serviceConnection = annotations.get(ServiceConnection.class);
		return new ContainerConnectionSource("test", new FieldOrigin(field), field.getType(), null, serviceConnection,
				() -> container, null, annotations);
	}

	/**
	 * Registers connection-details beans for the sources as Spring Boot's test-context customizer
	 * does, before the context refreshes.
	 * @param context the context
	 * @param sources the sources
	 */
	public static void register(ConfigurableApplicationContext context, List<ContainerConnectionSource<?>> sources) {
		new ConnectionDetailsRegistrar(context.getBeanFactory(), new ConnectionDetailsFactories(null))
			.registerBeanDefinitions((BeanDefinitionRegistry) context.getBeanFactory(), sources);
	}

}
