namespace Security.Abstractions;

/// <summary>
/// Names shared by the logging and metrics of every Security.* package.
/// </summary>
/// <remarks>
/// Every logger category starts with <see cref="LoggingCategoryPrefix"/> so one
/// <c>Logging:LogLevel:Security</c> entry controls them all. Every instrument lives on the one
/// meter named <see cref="MeterName"/> (created through <c>IMeterFactory</c>) and is named
/// <c>security.&lt;area&gt;.&lt;what&gt;</c>, e.g. <c>security.csp.reports.dropped</c>.
/// </remarks>
public static class SecurityTelemetry
{
    /// <summary>The meter name: <c>Security</c>.</summary>
    public const string MeterName = "Security";

    /// <summary>The prefix of every logger category: <c>Security.</c>.</summary>
    public const string LoggingCategoryPrefix = "Security.";
}
