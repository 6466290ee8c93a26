using System.Diagnostics;
using System.Globalization;

namespace Security.Testing;

/// <summary>
/// A throwaway MariaDB server shared by the whole test process, started on first use.
/// </summary>
/// <remarks>
/// <para>When the environment variable <c>SECURITY_TEST_MARIADB</c> holds <c>host:port</c> of a server whose
/// <c>root</c> user has no password, that server is used and nothing is started.</para>
/// <para>Otherwise <c>mariadb-install-db</c> (Debian package <c>mariadb-server</c>) makes a data directory in a
/// temporary folder and <c>mariadbd</c> listens on 127.0.0.1 on a free port, with its socket in that folder
/// (as the <c>mysql</c> user when the tests run as root), ignoring every system option file.</para>
/// <para>Stop it at the end of the run from an NUnit <c>[SetUpFixture]</c>:
/// <c>[OneTimeTearDown] public Task StopMariaDb() => MariaDbServer.StopAsync();</c>. Process exit stops it too.</para>
/// </remarks>
public static class MariaDbServer
{
    /// <summary>The environment variable that, when set, names an existing server to use instead.</summary>
    public const string ServerVariable = "SECURITY_TEST_MARIADB";

    /// <summary>The user the tests connect as (created by the fixture, with every privilege).</summary>
    public const string User = "security";

    private const string Password = "security-test";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Server? server;
    private static (string Host, int Port)? endpoint;
    private static bool exitHookRegistered;

    /// <summary>Creates a fresh, uniquely named, empty database (utf8mb4); dispose the result to drop it.</summary>
    public static async Task<MariaDbDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var (host, port) = await StartAsync(cancellationToken);
        var name = "security_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", cancellationToken);
        var connectionString = $"Server={host};Port={port.ToString(CultureInfo.InvariantCulture)};Database={name};User ID={User};Password={Password};SslMode=Disabled";
        return new MariaDbDatabase(name, connectionString);
    }

    /// <summary>Runs SQL as the server's <c>root</c> user (through the <c>mariadb</c> client).</summary>
    public static async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        var (host, port) = await StartAsync(cancellationToken);
        var running = server;
        string[] target = running is not null
            ? ["--socket=" + running.Socket]
            : ["--host=" + host, "--port=" + port.ToString(CultureInfo.InvariantCulture), "--protocol=tcp"];
        await Task.Run(() => Run("mariadb", ["--no-defaults", .. target, "--user=root", "--batch", "-e", sql], asMysqlUser: false), cancellationToken);
    }

    /// <summary>Stops the server this process started and deletes its folder. Safe to call twice.</summary>
    public static async Task StopAsync()
    {
        await Gate.WaitAsync();
        try
        {
            var running = server;
            server = null;
            endpoint = null;
            running?.Stop();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<(string Host, int Port)> StartAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (endpoint is { } known)
            {
                return known;
            }

            var external = Environment.GetEnvironmentVariable(ServerVariable);
            if (!string.IsNullOrWhiteSpace(external))
            {
                var parts = external.Split(':');
                endpoint = (parts[0], parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 3306);
                return endpoint.Value;
            }

            server = await Server.StartAsync(cancellationToken);
            if (!exitHookRegistered)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
                exitHookRegistered = true;
            }

            endpoint = ("127.0.0.1", server.Port);
            return endpoint.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string Run(string fileName, IReadOnlyList<string> arguments, bool asMysqlUser) =>
        ServerCommand.Run(fileName, arguments, asMysqlUser ? "mysql" : null);

    private sealed class Server
    {
        private readonly string directory;
        private Process? process;

        private Server(string directory) => this.directory = directory;

        public int Port { get; private set; }

        public string Socket => Path.Combine(directory, "mariadb.sock");

        private string DataDirectory => Path.Combine(directory, "data");

        private string LogFile => Path.Combine(directory, "mariadb.log");

        public static async Task<Server> StartAsync(CancellationToken cancellationToken)
        {
            const string daemon = "/usr/sbin/mariadbd";
            if (!File.Exists(daemon))
            {
                throw new InvalidOperationException(
                    $"MariaDB ({daemon}) is not installed. Install it (Debian: apt-get install mariadb-server; build/test.sh does " +
                    $"this when run as root), or set {ServerVariable} to host:port of a server whose root user has no password.");
            }

            // mariadbd refuses to run as root: the mysql user runs it and owns the folder.
            var asMysql = Environment.UserName == "root";
            var directory = Path.Combine(asMysql ? "/tmp" : Path.GetTempPath(), "security-mariadb-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var server = new Server(directory);
            try
            {
                if (asMysql)
                {
                    Run("chown", ["mysql", directory], asMysqlUser: false);
                }

                await Task.Run(() => Run("mariadb-install-db", ["--no-defaults", "--datadir=" + server.DataDirectory, "--auth-root-authentication-method=normal",
                    "--skip-test-db", .. asMysql ? ["--user=mysql"] : Array.Empty<string>()], asMysqlUser: false), cancellationToken);
                await server.StartOnFreePortAsync(daemon, asMysql, cancellationToken);
                await Task.Run(() => Run("mariadb", ["--no-defaults", "--socket=" + server.Socket, "--user=root", "--batch", "-e",
                    $"CREATE USER '{User}'@'%' IDENTIFIED BY '{Password}'; GRANT ALL PRIVILEGES ON *.* TO '{User}'@'%' WITH GRANT OPTION;"],
                    asMysqlUser: false), cancellationToken);
                return server;
            }
            catch
            {
                server.Stop();
                throw;
            }
        }

        public void Stop()
        {
            try
            {
                if (process is { HasExited: false })
                {
                    // A throwaway server: nothing to flush.
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(30_000);
                }

                process?.Dispose();
            }
            finally
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        private Task<bool> AnswersAsync(CancellationToken cancellationToken) => Task.Run(
            () =>
            {
                try
                {
                    Run("mariadb", ["--no-defaults", "--socket=" + Socket, "--user=root", "--batch", "-e", "SELECT 1"], asMysqlUser: false);
                    return true;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            },
            cancellationToken);

        private async Task StartOnFreePortAsync(string daemon, bool asMysql, CancellationToken cancellationToken)
        {
            // The free port can be taken by another process before the server binds it: retry.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort.Next();
                var start = new ProcessStartInfo { FileName = asMysql ? "runuser" : daemon, UseShellExecute = false };
                foreach (var argument in (string[])[
                    .. asMysql ? ["-u", "mysql", "--", daemon] : Array.Empty<string>(),
                    "--no-defaults", "--datadir=" + DataDirectory, "--port=" + port.ToString(CultureInfo.InvariantCulture),
                    "--bind-address=127.0.0.1", "--socket=" + Socket, "--log-error=" + LogFile, "--skip-log-bin",
                    "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=64M", "--max-connections=500"])
                {
                    start.ArgumentList.Add(argument);
                }

                process = Process.Start(start) ?? throw new InvalidOperationException("Could not start mariadbd.");
                var started = process;
                if (await ServerReadiness.WaitAsync(AnswersAsync, () => started.HasExited, TimeSpan.FromSeconds(60), cancellationToken))
                {
                    Port = port;
                    return;
                }

                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
                process = null;
                if (attempt >= 3)
                {
                    var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";
                    throw new InvalidOperationException($"mariadbd did not start.{Environment.NewLine}mariadb.log:{Environment.NewLine}{log}");
                }
            }
        }
    }
}
