using System.Globalization;

namespace Security.Auth.Internal;

/// <summary>The original's wording of a throttled attempt.</summary>
internal static class ThrottleMessages
{
    /// <summary>
    /// The original's <c>delay_message</c>: under 30 seconds, the seconds rounded up ("0 seconds",
    /// "1 second", "29 seconds"); from 30 seconds, minutes rounded half away from zero ("1 minute",
    /// "2 minutes" for 90 seconds), so 30 seconds never reads "0 minutes".
    /// </summary>
    public static string DelayMessage(double seconds)
    {
        if (seconds < 30)
        {
            var whole = (long)Math.Ceiling(Math.Max(seconds, 0));
            return whole == 1 ? "1 second" : whole.ToString(CultureInfo.InvariantCulture) + " seconds";
        }

        var minutes = (long)Math.Round(seconds / 60, MidpointRounding.AwayFromZero);
        return minutes == 1 ? "1 minute" : minutes.ToString(CultureInfo.InvariantCulture) + " minutes";
    }

    public static string Denied(TimeSpan delay) =>
        "Due to the failure of previous attempts, your login request has been denied as a security precaution. Please try again in at least "
        + DelayMessage(delay.TotalSeconds) + ".";
}
