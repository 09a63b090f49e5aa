package io.github.rwsplit.dataaccess.jdbc;

import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.CrudRepository;

import io.github.rwsplit.annotation.ReadReplica;

/**
 * A plain {@link CrudRepository}, plus the server that answers on the current connection, asked
 * as is and under a routing annotation on the repository method itself.
 */
public interface NoteRepository extends CrudRepository<Note, Long> {

	@Query("SELECT @@server_id")
	long serverId();

	@ReadReplica
	@Query("SELECT @@server_id")
	long serverIdOnReplica();

}
