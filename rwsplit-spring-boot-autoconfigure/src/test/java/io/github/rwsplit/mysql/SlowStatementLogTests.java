package io.github.rwsplit.mysql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mysql.cj.log.ProfilerEvent;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow statement is logged with its timing and shape, never with the values the driver inlined.
 */
@ExtendWith(OutputCaptureExtension.class)
class SlowStatementLogTests {

	@Test
	void logsTheStatementWithItsLiteralsMasked(CapturedOutput output) {
		new SlowStatementLog().processEvent(ProfilerEvent.TYPE_SLOW_QUERY, null, null, null, 230, null,
				"Slow query (exceeded 50 ms, duration: 230 ms): SELECT * FROM account WHERE email = 'ada@example.com'"
						+ " AND pin = 4321");
		assertThat(output).contains("rwsplit: slow statement on an unknown node: "
				+ "Slow query (exceeded 50 ms, duration: 230 ms): SELECT * FROM account WHERE email = ? AND pin = ?")
			.doesNotContain("ada@example.com")
			.doesNotContain("4321");
	}

}
