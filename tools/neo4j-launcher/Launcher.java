import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;

/**
 * Runs the Neo4j community DBMS with Bolt on a loopback address, for machines without Docker.
 *
 * Settings come from the environment: GL_NEO4J_DATA (folder), GL_NEO4J_BOLT_PORT,
 * GL_NEO4J_PASSWORD (the password of user neo4j), GL_NEO4J_PAGECACHE_MB, GL_NEO4J_TX_TIMEOUT_S,
 * GL_NEO4J_KEEP_ALIVE_S, GL_NEO4J_PLUGINS (a folder of procedure jars, APOC core among them).
 * It prints "graphledger-neo4j ready" once Bolt accepts connections and stops cleanly on SIGTERM.
 */
public class Launcher {
    public static void main(String[] args) {
        String data = env("GL_NEO4J_DATA", ".local/neo4j");
        int port = Integer.parseInt(env("GL_NEO4J_BOLT_PORT", "7687"));
        String password = env("GL_NEO4J_PASSWORD", "graphledger-dev");
        long pageCacheMb = Long.parseLong(env("GL_NEO4J_PAGECACHE_MB", "512"));
        long txTimeout = Long.parseLong(env("GL_NEO4J_TX_TIMEOUT_S", "60"));
        long keepAlive = Long.parseLong(env("GL_NEO4J_KEEP_ALIVE_S", "3"));
        String plugins = env("GL_NEO4J_PLUGINS", "");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(data).toAbsolutePath())
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                // The server promises a chunk at least every keep-alive x probes and tells drivers
                // so (connection.recv_timeout_seconds); a driver then gives up on a frozen server
                // after that long instead of waiting forever on its socket.
                .setConfig(BoltConnector.connection_keep_alive, Duration.ofSeconds(keepAlive))
                .setConfig(BoltConnector.connection_keep_alive_probes, 2)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheMb * 1024 * 1024)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeout))
                .setConfig(GraphDatabaseSettings.plugin_dir,
                        plugins.isEmpty() ? Path.of(data, "plugins").toAbsolutePath() : Path.of(plugins).toAbsolutePath())
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));

        // The built-in user starts with a password that must be changed; set ours on every start so the
        // password in the environment is always the one that works. Neo4j refuses to "change" a
        // password to the one it already has, which on a restart simply means it is set.
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                System.err.println("graphledger-neo4j could not set the password: " + e.getMessage());
                dbms.shutdown();
                System.exit(1);
            }
        }
        dbms.database("neo4j").executeTransactionally("RETURN 1");
        System.out.println("graphledger-neo4j ready bolt://127.0.0.1:" + port);
        System.out.flush();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
