using Microsoft.Extensions.Logging;

namespace Security.Auth.Internal;

/// <summary>Logs of the throttling reset endpoint, category <c>Security.Auth.LoginThrottlingReset</c>.</summary>
internal static partial class ThrottlingResetLog
{
    public const string Category = "Security.Auth.LoginThrottlingReset";

    [LoggerMessage(EventId = 1204, EventName = "ThrottleReset", Level = LogLevel.Information, Message = "Login failure counter of '{Username}' reset by '{Admin}'.")]
    public static partial void Reset(ILogger logger, string username, string admin);
}
