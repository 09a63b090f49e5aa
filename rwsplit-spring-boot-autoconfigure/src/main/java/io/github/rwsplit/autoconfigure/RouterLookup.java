package io.github.rwsplit.autoconfigure;

import java.sql.SQLException;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;

import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Finds rwsplit's router behind the {@code DataSource} bean, even when a bean post-processor
 * (a tracing or metrics library, p6spy, datasource-proxy) has wrapped it. Injecting
 * {@link RwsplitDataSource} by type would fail as soon as the bean is wrapped.
 */
final class RouterLookup {

	private RouterLookup() {
	}

	static ReadWriteRoutingDataSource router(ObjectProvider<DataSource> dataSources) {
		return dataSources.orderedStream()
			.map(RouterLookup::unwrap)
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No DataSource bean is or wraps a "
					+ RwsplitDataSource.class.getSimpleName()
					+ "; a wrapper around the rwsplit DataSource must implement unwrap(RwsplitDataSource.class)"))
			.getRouter();
	}

	private static RwsplitDataSource unwrap(DataSource dataSource) {
		if (dataSource instanceof RwsplitDataSource rwsplit) {
			return rwsplit;
		}
		try {
			return dataSource.isWrapperFor(RwsplitDataSource.class) ? dataSource.unwrap(RwsplitDataSource.class) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

}
