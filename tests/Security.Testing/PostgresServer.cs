using System.Diagnostics;
using Npgsql;

namespace Security.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster shared by the whole test process, started on first use.
/// </summary>
/// <remarks>
/// <para>When the environment variable <c>SECURITY_TEST_POSTGRES</c> holds a connection string
/// (a role that may create databases), that server is used and nothing is started.</para>
/// <para>Otherwise the highest <c>/usr/lib/postgresql/*/bin</c> (or <c>PATH</c>) provides
/// <c>initdb</c> and <c>pg_ctl</c>; a cluster is made in a temporary folder and listens on
/// 127.0.0.1 on a free port (as the <c>postgres</c> user when the tests run as root).</para>
/// <para>Stop it at the end of the run from an NUnit <c>[SetUpFixture]</c>:
/// <c>[OneTimeTearDown] public Task StopPostgres() => PostgresServer.StopAsync();</c>.
/// Process exit stops it too, as a fallback.</para>
/// </remarks>
public static class PostgresServer
{
    /// <summary>The environment variable that, when set, names an existing server to use instead.</summary>
    public const string ConnectionStringVariable = "SECURITY_TEST_POSTGRES";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? adminConnectionString;
    private static Cluster? cluster;
    private static bool exitHookRegistered;

    /// <summary>
    /// Returns a connection string to the server's <c>postgres</c> database as a superuser,
    /// starting the server on first call.
    /// </summary>
    public static async Task<string> GetConnectionStringAsync(CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (adminConnectionString is not null)
            {
                return adminConnectionString;
            }

            var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
            if (!string.IsNullOrWhiteSpace(external))
            {
                adminConnectionString = new NpgsqlConnectionStringBuilder(external).ConnectionString;
                return adminConnectionString;
            }

            cluster = await Task.Run(Cluster.Start, cancellationToken);
            if (!exitHookRegistered)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
                exitHookRegistered = true;
            }

            adminConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = cluster.Port,
                Username = "postgres",
                Database = "postgres",
                IncludeErrorDetail = true,
            }.ConnectionString;
            return adminConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Creates a fresh, uniquely named, empty database; dispose the result to drop it.
    /// Give each test class its own: create it in <c>[OneTimeSetUp]</c>, dispose it in <c>[OneTimeTearDown]</c>.
    /// </summary>
    public static async Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var admin = await GetConnectionStringAsync(cancellationToken);
        var name = "security_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new PostgresDatabase(name, connectionString, admin);
    }

    /// <summary>
    /// Stops the cluster this process started (<c>pg_ctl stop -m immediate</c>) and deletes its folder.
    /// Does nothing for a server given by <c>SECURITY_TEST_POSTGRES</c> or when none was started. Safe to call twice.
    /// </summary>
    public static async Task StopAsync()
    {
        await Gate.WaitAsync();
        try
        {
            NpgsqlConnection.ClearAllPools();
            var running = cluster;
            cluster = null;
            adminConnectionString = null;
            if (running is not null)
            {
                await Task.Run(running.Stop);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private sealed class Cluster
    {
        private readonly string binDirectory;
        private readonly string directory;
        private readonly bool asPostgresUser;

        private Cluster(string binDirectory, string directory, bool asPostgresUser)
        {
            this.binDirectory = binDirectory;
            this.directory = directory;
            this.asPostgresUser = asPostgresUser;
        }

        public int Port { get; private set; }

        private string DataDirectory => Path.Combine(directory, "data");

        private string LogFile => Path.Combine(directory, "postgres.log");

        public static Cluster Start()
        {
            var bin = FindBinDirectory();
            // PostgreSQL refuses to run as root: run it as the postgres user, who must own the folder.
            var asPostgres = Environment.UserName == "root";
            var directory = Path.Combine(asPostgres ? "/tmp" : Path.GetTempPath(), "security-pg-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var cluster = new Cluster(bin, directory, asPostgres);
            try
            {
                if (asPostgres)
                {
                    Run("chown", ["postgres", directory], directory, asPostgresUser: false);
                }

                cluster.RunTool("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--no-locale"]);
                cluster.StartOnFreePort();
                return cluster;
            }
            catch
            {
                cluster.Stop();
                throw;
            }
        }

        public void Stop()
        {
            try
            {
                if (Port != 0)
                {
                    RunTool("pg_ctl", ["-D", DataDirectory, "stop", "-m", "immediate", "-w"]);
                }
            }
            finally
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // A leftover temp folder is not worth failing the run for.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        private void StartOnFreePort()
        {
            // The free port can be taken by another test process before PostgreSQL binds it: retry.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort.Next();
                try
                {
                    RunTool("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
                        "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);
                    Port = port;
                    return;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                }
                catch (InvalidOperationException e)
                {
                    var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";
                    throw new InvalidOperationException($"{e.Message}{Environment.NewLine}postgres.log:{Environment.NewLine}{log}", e);
                }
            }
        }

        private void RunTool(string tool, IReadOnlyList<string> arguments) =>
            Run(Path.Combine(binDirectory, tool), arguments, directory, asPostgresUser);

        private static string FindBinDirectory()
        {
            string[] tools = ["initdb", "pg_ctl"];
            bool HasTools(string dir) => tools.All(tool => File.Exists(Path.Combine(dir, tool)));

            const string debianRoot = "/usr/lib/postgresql";
            if (Directory.Exists(debianRoot))
            {
                var best = Directory.GetDirectories(debianRoot)
                    .Select(versionDir => (Version: VersionOf(Path.GetFileName(versionDir)), Bin: Path.Combine(versionDir, "bin")))
                    .Where(candidate => candidate.Version is not null && HasTools(candidate.Bin))
                    .OrderByDescending(candidate => candidate.Version)
                    .FirstOrDefault();
                if (best.Bin is not null)
                {
                    return best.Bin;
                }
            }

            var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(HasTools);
            return fromPath ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH. " +
                "Install them (Debian: apt-get install postgresql; build/test.sh does this when run as root), " +
                $"or set {ConnectionStringVariable} to a connection string of a server whose user may create databases.");
        }

        private static Version? VersionOf(string folderName) =>
            Version.TryParse(folderName.Contains('.', StringComparison.Ordinal) ? folderName : folderName + ".0", out var version) ? version : null;

        private static void Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, bool asPostgresUser) =>
            ServerCommand.Run(fileName, arguments, asPostgresUser ? "postgres" : null, workingDirectory);
    }
}
