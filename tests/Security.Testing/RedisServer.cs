using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Security.Testing;

/// <summary>
/// A throwaway Redis server shared by the whole test process, started on first use.
/// </summary>
/// <remarks>
/// <para>When the environment variable <c>SECURITY_TEST_REDIS</c> holds a configuration string
/// (e.g. <c>127.0.0.1:6379</c>), that server is used and nothing is started.</para>
/// <para>Otherwise <c>redis-server</c> (Debian package <c>redis-server</c>, installed by
/// <c>build/test.sh</c>) runs on 127.0.0.1 on a free port with persistence off. Stop it from an
/// NUnit <c>[SetUpFixture]</c> with <see cref="StopAsync"/>; process exit stops it too.</para>
/// </remarks>
public static class RedisServer
{
    /// <summary>The environment variable that, when set, names an existing server to use instead.</summary>
    public const string ConfigurationVariable = "SECURITY_TEST_REDIS";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Process? server;
    private static string? configuration;

    /// <summary>Returns the StackExchange.Redis configuration string (<c>127.0.0.1:port</c>), starting the server on first call.</summary>
    /// <param name="cancellationToken">Cancels the wait for the server.</param>
    public static async Task<string> GetConfigurationAsync(CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (configuration is not null)
            {
                return configuration;
            }

            var external = Environment.GetEnvironmentVariable(ConfigurationVariable);
            if (!string.IsNullOrWhiteSpace(external))
            {
                return configuration = external;
            }

            var executable = FindExecutable()
                ?? throw new InvalidOperationException(
                    "redis-server was not found on PATH. Install it (apt-get install redis-server; build/test.sh does this) " +
                    $"or set {ConfigurationVariable} to a running server, e.g. 127.0.0.1:6379.");
            var port = FreePort.Next();
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
            {
                start.ArgumentList.Add(argument);
            }

            server = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
            server.OutputDataReceived += static (_, _) => { };
            server.ErrorDataReceived += static (_, _) => { };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => StopAsync().GetAwaiter().GetResult();

            await WaitForPongAsync(server, port, cancellationToken);
            return configuration = $"127.0.0.1:{port}";
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Stops the server this process started, if any; safe to call twice.</summary>
    public static Task StopAsync()
    {
        var process = Interlocked.Exchange(ref server, null);
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            finally
            {
                process.Dispose();
            }
        }

        configuration = null;
        return Task.CompletedTask;
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
            .Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);

    private static async Task WaitForPongAsync(Process process, int port, CancellationToken cancellationToken)
    {
        if (!await ServerReadiness.WaitAsync(ct => AnswersPingAsync(port, ct), () => process.HasExited, TimeSpan.FromSeconds(30), cancellationToken))
        {
            throw new TimeoutException($"redis-server did not answer PING on port {port} within 30 seconds.");
        }
    }

    private static async Task<bool> AnswersPingAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
