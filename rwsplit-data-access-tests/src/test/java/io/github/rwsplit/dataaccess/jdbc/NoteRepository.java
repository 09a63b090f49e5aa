package io.github.rwsplit.dataaccess.jdbc;

import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.CrudRepository;

/**
 * A plain {@link CrudRepository}, plus the server that answers on the current connection.
 */
public interface NoteRepository extends CrudRepository<Note, Long> {

	@Query("SELECT @@server_id")
	long serverId();

}
