package io.github.rwsplit.autoconfigure;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.Route;

/**
 * Turns on {@code rwsplit.routing.autocommit-reads} once the application context is refreshed.
 * Until then every statement outside a transaction goes to the primary: schema migrations
 * (Flyway, Liquibase) and initialisation scripts run during start-up, and must not read their
 * own history from a replica that may not have applied it yet.
 */
public class AutocommitReadsActivator implements ApplicationListener<ContextRefreshedEvent> {

	private final ReadWriteRoutingDataSource router;

	private final Route autocommitReads;

	/**
	 * Creates the activator.
	 * @param router the router
	 * @param autocommitReads the mode to turn on
	 */
	public AutocommitReadsActivator(ReadWriteRoutingDataSource router, Route autocommitReads) {
		this.router = router;
		this.autocommitReads = autocommitReads;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		this.router.setAutocommitReads(this.autocommitReads, this.router.view().classifier());
	}

}
