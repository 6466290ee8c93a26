namespace Security.Profiling.Internal;

/// <summary>Error messages shared by the extension methods.</summary>
internal static class SecurityProfilingErrors
{
    public const string NotRegistered =
        "Unable to find the services Security.Profiling needs: call services.AddSecurityProfiling() in the app's startup code.";
}
