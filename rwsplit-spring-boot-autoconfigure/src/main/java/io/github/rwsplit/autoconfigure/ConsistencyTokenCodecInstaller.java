package io.github.rwsplit.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

import io.github.rwsplit.consistency.ConsistencyTokenCodec;

/**
 * Makes the application's {@link ConsistencyTokenCodec} the process-wide one while the context
 * runs, and puts back the previous one when it closes. Installed as soon as the bean is created,
 * so that work done during start-up (runners, listeners) already signs and verifies.
 */
final class ConsistencyTokenCodecInstaller implements InitializingBean, DisposableBean {

	private final ConsistencyTokenCodec codec;

	private ConsistencyTokenCodec previous;

	ConsistencyTokenCodecInstaller(ConsistencyTokenCodec codec) {
		this.codec = codec;
	}

	@Override
	public void afterPropertiesSet() {
		this.previous = ConsistencyTokenCodec.install(this.codec);
	}

	@Override
	public void destroy() {
		ConsistencyTokenCodec.uninstall(this.codec, this.previous);
	}

}
