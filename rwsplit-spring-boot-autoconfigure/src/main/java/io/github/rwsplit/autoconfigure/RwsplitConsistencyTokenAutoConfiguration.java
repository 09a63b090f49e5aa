package io.github.rwsplit.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyTokenCodec;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * The text form of consistency tokens: a {@link ConsistencyTokenCodec}, unsigned unless
 * {@code rwsplit.consistency.token.signing-keys} is set, which the web filter uses and which is
 * installed as the process-wide codec of {@link ConsistencyContext#useToken(String)} and
 * {@link ConsistencyContext#currentTokenText()} while the context runs. Not web-only: a message
 * consumer needs the same signing as the filter.
 */
@AutoConfiguration(after = RwsplitDataSourceAutoConfiguration.class)
@ConditionalOnBean(RwsplitDataSource.class)
public final class RwsplitConsistencyTokenAutoConfiguration {

	static final String SIGNING_KEYS = "rwsplit.consistency.token.signing-keys";

	@Bean
	@ConditionalOnMissingBean
	ConsistencyTokenCodec rwsplitConsistencyTokenCodec(RwsplitProperties properties) {
		List<String> keys = properties.getConsistency().getToken().getSigningKeys();
		if (keys == null || keys.isEmpty()) {
			return ConsistencyTokenCodec.unsigned();
		}
		List<byte[]> bytes = new ArrayList<>(keys.size());
		for (int i = 0; i < keys.size(); i++) {
			byte[] key = (keys.get(i) != null) ? keys.get(i).getBytes(StandardCharsets.UTF_8) : new byte[0];
			if (key.length < ConsistencyTokenCodec.MIN_KEY_BYTES) {
				// The key's length may be told, never the key.
				throw new RwsplitConfigurationException(SIGNING_KEYS + "[" + i + "]",
						"the signing key has " + key.length + " bytes; HMAC-SHA256 keys need at least "
								+ ConsistencyTokenCodec.MIN_KEY_BYTES,
						"Use random keys of " + ConsistencyTokenCodec.MIN_KEY_BYTES
								+ " bytes or more, such as the output of 'openssl rand -base64 32'.");
			}
			bytes.add(key);
		}
		return ConsistencyTokenCodec.signed(bytes);
	}

	@Bean
	@ConditionalOnMissingBean
	ConsistencyTokenCodecInstaller rwsplitConsistencyTokenCodecInstaller(ConsistencyTokenCodec codec) {
		return new ConsistencyTokenCodecInstaller(codec);
	}

}
