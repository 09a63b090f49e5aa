package io.github.rwsplit.autoconfigure;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Checks the {@code rwsplit.*} keys the application sets, whether or not they configure rwsplit's
 * DataSource: a misspelt {@code rwsplit.primary} would otherwise leave rwsplit off without a word.
 * Runs before any bean is created, so that an unknown key is the first thing start-up reports.
 */
@AutoConfiguration(before = RwsplitDataSourceAutoConfiguration.class)
@ConditionalOnProperty(prefix = RwsplitProperties.PREFIX, name = "enabled", matchIfMissing = true)
public final class RwsplitConfigurationCheckAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static UnknownPropertiesCheck rwsplitUnknownPropertiesCheck(Environment environment) {
		return new UnknownPropertiesCheck(environment);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(JdbcConnectionDetails.class)
	static ServiceConnectionWithoutRwsplitWarning rwsplitServiceConnectionWithoutRwsplitWarning(
			ListableBeanFactory beanFactory) {
		return new ServiceConnectionWithoutRwsplitWarning(beanFactory);
	}

}
