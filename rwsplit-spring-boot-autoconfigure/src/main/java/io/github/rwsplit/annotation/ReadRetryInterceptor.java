package io.github.rwsplit.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttributeSource;

import io.github.rwsplit.routing.ReadAttempt;
import io.github.rwsplit.routing.Route;

/**
 * Runs a read-only method once more when its work failed because a replica connection did: the
 * method is invoked again around its transaction, so the second run has a fresh transaction and a
 * fresh connection, planned without the replica that failed.
 *
 * <p>Which calls: methods with {@link ReadReplica} (unless {@code retry = false}) and
 * {@code @Transactional(readOnly = true)} methods without {@link Primary}, called outside any
 * transaction and outside another such call (the outermost boundary decides). Whether a failed
 * call runs again is decided by {@link ReadAttempt}: only when everything it checked out was a
 * replica, the failure is connection-class, and it has not run again already.
 *
 * <p>Must run outside the transaction interceptor and outside {@link RoutingAnnotationInterceptor};
 * {@link ReadRetryAdvisor} is ordered accordingly. Not responsible for statements outside
 * transactions: a statement-routed connection retries those itself.
 */
public class ReadRetryInterceptor implements MethodInterceptor {

	private final Map<MethodClassKey, Boolean> eligible = new ConcurrentHashMap<>();

	private final TransactionAttributeSource transactions;

	/** Creates the interceptor, reading {@code @Transactional} as Spring does. */
	public ReadRetryInterceptor() {
		this(new AnnotationTransactionAttributeSource());
	}

	/**
	 * Creates the interceptor.
	 * @param transactions tells which methods run in read-only transactions
	 */
	public ReadRetryInterceptor(TransactionAttributeSource transactions) {
		this.transactions = transactions;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		if (!(invocation instanceof ProxyMethodInvocation proxied) || !isEligible(invocation)) {
			return invocation.proceed();
		}
		ReadAttempt attempt = ReadAttempt.open();
		if (attempt == null) {
			return invocation.proceed();
		}
		try (attempt) {
			// Taken before the first run: a used invocation continues after the interceptors it passed.
			MethodInvocation again = proxied.invocableClone();
			try {
				return invocation.proceed();
			}
			catch (Throwable failure) {
				String failed = attempt.retryableFailure(failure);
				if (failed == null) {
					throw failure;
				}
				attempt.retrying(failed, failure, invocation.getMethod());
				boolean succeeded = false;
				try {
					Object result = again.proceed();
					succeeded = true;
					return result;
				}
				catch (Throwable second) {
					if (second != failure) {
						second.addSuppressed(failure);
					}
					throw second;
				}
				finally {
					attempt.retried(succeeded);
				}
			}
		}
	}

	private boolean isEligible(MethodInvocation invocation) {
		Object target = invocation.getThis();
		Method method = invocation.getMethod();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
		return this.eligible.computeIfAbsent(new MethodClassKey(method, targetClass),
				(key) -> resolve(method, targetClass));
	}

	/**
	 * @param method a method
	 * @param targetClass the class it is called on
	 * @return whether its calls may run again: read-only by its annotations, and not opted out
	 */
	boolean resolve(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		ReadReplica readReplica = AnnotatedElementUtils.findMergedAnnotation(specific, ReadReplica.class);
		if (readReplica == null) {
			readReplica = AnnotatedElementUtils.findMergedAnnotation(targetClass, ReadReplica.class);
		}
		if (readReplica != null && !readReplica.retry()) {
			return false;
		}
		RoutingAnnotations.Request request = RoutingAnnotations.find(specific, targetClass);
		if (request != null) {
			return request.route() == Route.REPLICA;
		}
		TransactionAttribute transaction = this.transactions.getTransactionAttribute(method, targetClass);
		return transaction != null && transaction.isReadOnly();
	}

}
