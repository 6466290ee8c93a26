namespace Security.Csp.Internal;

/// <summary>
/// Registered once by <c>AddSecurityCsp</c>: a second call sees it and adds only its configuration, and
/// <c>UseContentSecurityPolicy</c> and the <c>Map</c> methods check for it, so a missing call fails with a clear message.
/// </summary>
internal sealed class CspMarkerService
{
    public const string MissingServicesMessage =
        "Unable to find the services Security.Csp needs: call services.AddSecurityCsp() in the app's startup code.";

    /// <summary>Throws <see cref="InvalidOperationException"/> naming <c>AddSecurityCsp</c> when it was not called.</summary>
    public static void EnsureAdded(IServiceProvider services)
    {
        if (services.GetService(typeof(CspMarkerService)) is null)
        {
            throw new InvalidOperationException(MissingServicesMessage);
        }
    }
}
