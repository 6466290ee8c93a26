using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Security.Abstractions;

/// <summary>A sign-in reported to <see cref="ISecuritySignInObserver"/>.</summary>
public sealed class SecuritySignIn
{
    /// <summary>Describes a sign-in.</summary>
    /// <param name="httpContext">The request that signs the user in.</param>
    /// <param name="scheme">The scheme signed in to; <see langword="null"/> for the default sign-in scheme.</param>
    /// <param name="principal">The user being signed in.</param>
    /// <param name="properties">The ticket's properties.</param>
    public SecuritySignIn(HttpContext httpContext, string? scheme, ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        HttpContext = httpContext;
        Scheme = scheme;
        Principal = principal;
        Properties = properties;
    }

    /// <summary>The request that signs the user in.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The authentication scheme signed in to; <see langword="null"/> for the default sign-in scheme.</summary>
    public string? Scheme { get; }

    /// <summary>The user being signed in.</summary>
    public ClaimsPrincipal Principal { get; }

    /// <summary>The ticket's properties: items set here before the sign-in are stored in the ticket.</summary>
    public AuthenticationProperties Properties { get; }
}
