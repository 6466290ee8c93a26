using System.Diagnostics;

namespace Security.Testing;

/// <summary>Runs a command-line tool (initdb, mariadb-install-db, dotnet, ...) to completion, optionally as a server's own user.</summary>
public static class ServerCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="fileName"/> and returns its standard output; throws with both outputs when it fails or hangs.</summary>
    /// <param name="fileName">The tool.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="runAsUser">Run through <c>runuser -u</c> as this user (servers refuse root); <see langword="null"/> for the current user.</param>
    /// <param name="workingDirectory">The working directory; <see langword="null"/> for the current one.</param>
    /// <param name="timeout">How long it may run; <see langword="null"/> for 2 minutes.</param>
    public static string Run(string fileName, IReadOnlyList<string> arguments, string? runAsUser = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var start = new ProcessStartInfo
        {
            FileName = runAsUser is null ? fileName : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        if (runAsUser is not null)
        {
            foreach (var argument in (string[])["-u", runAsUser, "--", fileName])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} did not finish within {limit}.");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{string.Join(' ', start.ArgumentList.Prepend(start.FileName))} failed with exit code {process.ExitCode}:{Environment.NewLine}" +
                $"{output.GetAwaiter().GetResult()}{error.GetAwaiter().GetResult()}");
        }

        return output.GetAwaiter().GetResult();
    }
}
