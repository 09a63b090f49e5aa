package io.github.rwsplit.dataaccess.mybatis;

import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.mybatis.spring.mapper.MapperFactoryBean;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.autoconfigure.RwsplitDataSourceAutoConfiguration;
import io.github.rwsplit.autoconfigure.RwsplitRoutingAnnotationAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rwsplit's start-up check of routing annotations reads MyBatis mapper interfaces as it reads
 * services: a mapper method naming a replica group that does not exist stops start-up. No
 * database is needed: nothing connects before the check.
 */
class MapperAnnotationVerificationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
				RwsplitRoutingAnnotationAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, AopAutoConfiguration.class, MybatisAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.startup.primary-check-timeout=0",
				"rwsplit.monitor.enabled=false", "rwsplit.consistency.mode=eventual",
				"rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app");

	@Test
	void mapperMethodNamingAnUnknownGroupFailsStartUp() {
		this.runner.withUserConfiguration(UnknownGroupMapperConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(RwsplitConfigurationException.class)
				.hasMessageContaining("@ReadReplica(\"archive\")")
				.hasMessageContaining(UnknownGroupMapper.class.getName() + ".read()");
		});
	}

	@Test
	void mapperMethodNamingAKnownGroupStarts() {
		this.runner.withUserConfiguration(UnknownGroupMapperConfiguration.class)
			.withPropertyValues("rwsplit.replicas.archive-1.url=jdbc:mysql://127.0.0.1:3/app",
					"rwsplit.replicas.archive-1.group=archive")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(UnknownGroupMapper.class));
	}

	/** Not {@code @Mapper}: registered only here, so that MyBatisIT's mapper scan leaves it out. */
	interface UnknownGroupMapper {

		@ReadReplica("archive")
		@Select("SELECT 1")
		int read();

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownGroupMapperConfiguration {

		@Bean
		MapperFactoryBean<UnknownGroupMapper> unknownGroupMapper(SqlSessionFactory sqlSessionFactory) {
			MapperFactoryBean<UnknownGroupMapper> mapper = new MapperFactoryBean<>(UnknownGroupMapper.class);
			mapper.setSqlSessionFactory(sqlSessionFactory);
			return mapper;
		}

	}

}
