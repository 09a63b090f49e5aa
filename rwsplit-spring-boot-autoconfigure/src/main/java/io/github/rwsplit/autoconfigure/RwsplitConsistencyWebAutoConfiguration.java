package io.github.rwsplit.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.rwsplit.consistency.ConsistencyTokenCodec;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.web.ConsistencySessionKeyResolver;
import io.github.rwsplit.web.ConsistencyTokenFilter;

/**
 * Carries the read-your-writes token between web requests with {@link ConsistencyTokenFilter},
 * registered early so that everything after it runs in the request's consistency session.
 */
@AutoConfiguration(after = { RwsplitDataSourceAutoConfiguration.class, RwsplitConsistencyTokenAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(OncePerRequestFilter.class)
@ConditionalOnBean(RwsplitDataSource.class)
@ConditionalOnProperty(prefix = "rwsplit.consistency.web", name = "enabled", matchIfMissing = true)
public final class RwsplitConsistencyWebAutoConfiguration {

	/**
	 * Just after Spring Security's filter chain (order -100), so that a key resolver can use the
	 * signed-in user, and before everything else.
	 */
	static final int FILTER_ORDER = -90;

	@Bean
	@ConditionalOnMissingBean(name = "rwsplitConsistencyTokenFilter")
	FilterRegistrationBean<ConsistencyTokenFilter> rwsplitConsistencyTokenFilter(RwsplitProperties properties,
			ObjectProvider<ConsistencySessionKeyResolver> keyResolver, ObjectProvider<ConsistencyTokenCodec> codec) {
		RwsplitProperties.Consistency.Web web = properties.getConsistency().getWeb();
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(web.getHeader(), web.getCookie(),
				web.getStore() == RwsplitProperties.Consistency.Web.Store.HTTP_SESSION, keyResolver.getIfAvailable(),
				web.getMaxSessions(), properties.getConsistency().getPinDuration(), codec.getIfAvailable());
		FilterRegistrationBean<ConsistencyTokenFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(FILTER_ORDER);
		return registration;
	}

}
