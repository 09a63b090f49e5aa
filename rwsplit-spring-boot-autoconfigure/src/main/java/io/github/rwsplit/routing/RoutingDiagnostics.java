package io.github.rwsplit.routing;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Notices routing mistakes that would otherwise fail silently, counts every occurrence by
 * {@link Kind}, and logs each kind once per site. Nothing here runs on the normal path of a
 * connection: only when something is already wrong.
 */
public final class RoutingDiagnostics {

	/** The mistakes rwsplit notices. */
	public enum Kind {

		/**
		 * A connection was fetched while a transaction was beginning, before its read-only flag was
		 * known: something touched the connection early and defeated the lazy proxy.
		 */
		EARLY_CHECKOUT("early-checkout"),

		/** {@code @ReadReplica} or {@code @Primary} joined a transaction already routed elsewhere. */
		ANNOTATION_JOINED_TRANSACTION("annotation-joined-transaction"),

		/** A write was attempted on a connection routed to a read-only replica. */
		WRITE_ON_REPLICA("write-on-replica"),

		/** Spring's {@code @Primary} on a method that is not a {@code @Bean} method. */
		SPRING_PRIMARY_ANNOTATION("spring-primary-annotation"),

		/** A connection was routed inside a transaction rwsplit did not see begin. */
		TRANSACTION_NOT_SEEN("transaction-not-seen"),

		/** A routing scope was closed while a scope opened inside it was still open. */
		SCOPE_LEFT_OPEN("scope-left-open");

		private final String tag;

		Kind(String tag) {
			this.tag = tag;
		}

		/** @return the kind as metrics tag it */
		public String tag() {
			return this.tag;
		}

	}

	private static final Log logger = LogFactory.getLog(RoutingDiagnostics.class);

	private static final LongAdder[] COUNTS = new LongAdder[Kind.values().length];

	static {
		for (int i = 0; i < COUNTS.length; i++) {
			COUNTS[i] = new LongAdder();
		}
	}

	/** Enough for every site of an application; sites beyond it are counted but not logged. */
	private static final int MAX_SITES = 1024;

	private static final Set<Object> REPORTED_SITES = ConcurrentHashMap.newKeySet();

	private static final AtomicBoolean[] REPORTED_KINDS = new AtomicBoolean[Kind.values().length];

	static {
		for (int i = 0; i < REPORTED_KINDS.length; i++) {
			REPORTED_KINDS[i] = new AtomicBoolean();
		}
	}

	private RoutingDiagnostics() {
	}

	/**
	 * @param kind a kind of mistake
	 * @return how many times it happened in this JVM
	 */
	public static LongAdder count(Kind kind) {
		return COUNTS[kind.ordinal()];
	}

	private static boolean firstAtSite(Object site) {
		return REPORTED_SITES.size() < MAX_SITES && REPORTED_SITES.add(site);
	}

	private static boolean firstOfKind(Kind kind) {
		AtomicBoolean reported = REPORTED_KINDS[kind.ordinal()];
		return !reported.get() && reported.compareAndSet(false, true);
	}

	static void scopeJoinedRunningTransaction(Object site, Route wanted, String wantedGroup, Route actual,
			String actualGroup) {
		count(Kind.ANNOTATION_JOINED_TRANSACTION).increment();
		if (firstAtSite(site)) {
			logger.warn("rwsplit: " + describe(site) + " asks for " + describe(wanted, wantedGroup) + " but joined a "
					+ "transaction already routed to " + describe(actual, actualGroup) + "; a running transaction never "
					+ "moves, so its work stays there. Give the method its own transaction (propagation REQUIRES_NEW) or "
					+ "annotate the caller that starts the transaction. (Reported once.)");
		}
	}

	static void transactionWithoutListener() {
		count(Kind.TRANSACTION_NOT_SEEN).increment();
		if (firstOfKind(Kind.TRANSACTION_NOT_SEEN)) {
			logger.warn("rwsplit: a connection was routed inside a transaction that rwsplit did not see begin (a "
					+ "transaction manager for another resource, JTA, or one without rwsplit's RoutingTransactionListener); "
					+ "it is routed by the innermost @ReadReplica/@Primary, else the read-only flag, at its first "
					+ "statement. (Reported once.)");
		}
	}

	static void scopeLeftOpen(Object site) {
		count(Kind.SCOPE_LEFT_OPEN).increment();
		if (firstOfKind(Kind.SCOPE_LEFT_OPEN)) {
			logger.warn("rwsplit: the routing scope of " + describe(site) + " was closed while a scope opened inside it "
					+ "was still open; both are closed now. Close every RoutingContext.enter(...) scope, ideally with "
					+ "try-with-resources. (Reported once.)");
		}
	}

	static void earlyCheckout() {
		String site = countAndFindNewSite(Kind.EARLY_CHECKOUT);
		if (site != null) {
			logger.warn("rwsplit: a connection was fetched while a transaction was beginning, before its read-only "
					+ "flag was known, so it was routed as read-write (to the primary). Something touched the connection "
					+ "early, defeating the lazy connection proxy; nearest application code: " + site + ". Typical "
					+ "causes: a DataSource wrapper or listener calling getMetaData(), setSchema() or another method on "
					+ "checkout. (Reported once per site.)");
		}
	}

	/**
	 * A write was refused on a replica route. Called by the replica pools' exception interceptor.
	 * @param node the replica
	 */
	public static void writeOnReplica(String node) {
		String site = countAndFindNewSite(Kind.WRITE_ON_REPLICA);
		if (site != null) {
			logger.warn("rwsplit: a write was attempted on replica '" + node + "' and refused; the work was routed "
					+ "to a replica by @Transactional(readOnly = true) or @ReadReplica but writes. Nearest application "
					+ "code: " + site + ". Route it to the primary (a read-write transaction or rwsplit's @Primary) or "
					+ "move the write out. (Reported once per site.)");
		}
	}

	/**
	 * Counts one occurrence and names its site if that site has not been reported for this kind.
	 * Finding a site walks the stack, so it is done on the 1st, 2nd, 4th, 8th... occurrence of a
	 * kind only: a mistake repeated in a hot loop costs a stack walk a handful of times, not each time.
	 * @return the nearest application frame, or {@code null} when there is nothing new to report
	 */
	private static String countAndFindNewSite(Kind kind) {
		LongAdder count = count(kind);
		count.increment();
		long n = count.sum();
		if ((n & (n - 1)) != 0 || REPORTED_SITES.size() >= MAX_SITES) {
			return null;
		}
		String site = callerOutsideFrameworks();
		return firstAtSite(kind.tag() + ":" + site) ? site : null;
	}

	/**
	 * Spring's {@code @Primary} found where it does nothing; the caller logs the site.
	 */
	public static void springPrimaryAnnotation() {
		count(Kind.SPRING_PRIMARY_ANNOTATION).increment();
	}

	/** The nearest frame of the application's own code on the current stack. */
	private static String callerOutsideFrameworks() {
		return StackWalker.getInstance()
			.walk((frames) -> nearestApplicationFrame(frames.limit(512).map(StackWalker.StackFrame::toStackTraceElement)))
			.map(StackTraceElement::toString)
			.orElse("(no application frame on the stack)");
	}

	/**
	 * The first frame, from the top, that is the application's: not rwsplit's, not a framework's
	 * (Spring, Hibernate, Jakarta APIs, Tomcat), not the JDK's, the pool's or the driver's, and not a
	 * generated proxy. Through an ORM the statement runs many frames below the method that asked
	 * for it; that method is what the user can change.
	 * @param frames the stack, innermost first
	 * @return the application's nearest frame, if any
	 */
	static java.util.Optional<StackTraceElement> nearestApplicationFrame(java.util.stream.Stream<StackTraceElement> frames) {
		return frames.filter((frame) -> !isInfrastructure(frame.getClassName())).findFirst();
	}

	/** Packages of code that is not the application's. */
	private static final String[] INFRASTRUCTURE = { "java.", "javax.", "jdk.", "sun.", "com.sun.", "jakarta.",
			"org.springframework.", "org.hibernate.", "net.bytebuddy.", "org.apache.", "com.zaxxer.", "com.mysql.",
			"io.micrometer.", "org.aspectj.", "kotlin.", "kotlinx." };

	/**
	 * rwsplit's own library packages, named one by one: an application may live below
	 * {@code io.github.rwsplit} too (the sample app does).
	 */
	private static final String[] RWSPLIT = { "io.github.rwsplit.routing.", "io.github.rwsplit.mysql.",
			"io.github.rwsplit.annotation.", "io.github.rwsplit.autoconfigure.", "io.github.rwsplit.actuate.",
			"io.github.rwsplit.balancing.", "io.github.rwsplit.barrier.", "io.github.rwsplit.consistency.",
			"io.github.rwsplit.gtid.", "io.github.rwsplit.metrics.", "io.github.rwsplit.monitor.",
			"io.github.rwsplit.statement.", "io.github.rwsplit.web." };

	private static boolean isInfrastructure(String className) {
		// Generated subclasses and proxies: Spring's CGLIB, Hibernate's and ByteBuddy's.
		if (className.contains("$$") || className.contains("$HibernateProxy$") || className.contains("$ByteBuddy$")) {
			return true;
		}
		for (String prefix : INFRASTRUCTURE) {
			if (className.startsWith(prefix)) {
				return true;
			}
		}
		for (String prefix : RWSPLIT) {
			if (className.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	private static String describe(Route route, String group) {
		return (route == Route.PRIMARY) ? "the primary"
				: "a replica of group '" + ((group != null) ? group : "(default)") + "'";
	}

	static String describe(Object site) {
		if (site instanceof Method method) {
			return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "()";
		}
		return String.valueOf(site);
	}

	/** Forgets what was reported; for tests. */
	static void reset() {
		REPORTED_SITES.clear();
		for (AtomicBoolean reported : REPORTED_KINDS) {
			reported.set(false);
		}
	}

	/**
	 * Routing mistakes seen at a checkout outside a transaction rwsplit saw begin: said here,
	 * never decided on.
	 * @param state the current thread's routing state
	 * @param inTransaction whether a transaction is active nevertheless (one rwsplit did not see begin)
	 */
	static void atCheckout(RoutingContext.State state, boolean inTransaction) {
		if (state.scope != null) {
			state.scope.tookEffect = true;
		}
		if (state.beginning) {
			// A connection is being fetched while a transaction begins: its read-only flag is not
			// known yet, so the lazy proxy has been defeated (something touched the connection early).
			earlyCheckout();
		}
		if (inTransaction) {
			// The transaction manager did not say when this transaction began: decided by its flag.
			transactionWithoutListener();
		}
	}

}
