package io.github.rwsplit.routing;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;

/**
 * Fixes each transaction's route at the moment it begins, which is the only moment that tells
 * apart a routing scope entered before a transaction (it applies) from one entered inside it
 * (it does not). Register it with every transaction manager whose transactions use the routing
 * {@code DataSource}; participating and nested transactions are ignored, as they share their
 * outer transaction's connection.
 */
public final class RoutingTransactionListener implements TransactionExecutionListener {

	@Override
	public void beforeBegin(TransactionExecution transaction) {
		RoutingContext.transactionBeginning();
	}

	@Override
	public void afterBegin(TransactionExecution transaction, @Nullable Throwable beginFailure) {
		if (beginFailure == null && transaction.isNewTransaction()) {
			RoutingContext.transactionBegan(transaction);
		}
		else {
			RoutingContext.state().beginning = false;
		}
	}

	@Override
	public void afterCommit(TransactionExecution transaction, @Nullable Throwable commitFailure) {
		if (commitFailure == null) {
			RoutingContext.transactionCommitted(transaction);
		}
		RoutingContext.transactionEnded(transaction);
	}

	@Override
	public void afterRollback(TransactionExecution transaction, Throwable rollbackFailure) {
		RoutingContext.transactionEnded(transaction);
	}

}
