namespace Security.IntegrationTests.Templates;

/// <summary>
/// The lines the root README's "Using it in the stock templates" shows for <c>dotnet new blazor --auth Individual</c>
/// (interactive Server), each with the template text it goes next to. <see cref="TemplateReadmeTests"/> checks the
/// README shows them verbatim.
/// </summary>
internal static class BlazorTemplateWiring
{
    public const string IdentityAnchor = "    .AddDefaultTokenProviders();";

    public const string Identity = """
            .AddDefaultTokenProviders()
            .AddLoginThrottling();
        """;

    public const string ServicesAnchor = "builder.Services.AddCascadingAuthenticationState();";

    public const string Services = """
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSecurityHeaders();
        builder.Services.AddSecurityCsp(o => o.UsePolicy(p => p.ForBlazorWebApp())).AddCascadingNonce();
        builder.Services.AddLoginRequired();
        """;

    public const string FirstMiddlewareAnchor = "var app = builder.Build();";

    public const string FirstMiddleware = """
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseContentSecurityPolicy();
        """;

    public const string AuthMiddlewareAnchor = "app.UseAntiforgery();";

    public const string AuthMiddleware = """
        app.UseAuthentication();
        app.UseLoginRequired();
        app.UseAuthorization();
        app.UseAntiforgery();
        """;

    public const string ImportMapAnchor = "<ImportMap />";

    public const string ImportMap = """<ImportMap nonce="@CspNonce" />""";

    public const string AppCodeAnchor = "</html>";

    public const string AppCode = """
        </html>

        @code {
            [CascadingParameter(Name = "CspNonce")]
            private string? CspNonce { get; set; }
        }
        """;

    public const string AccountImportsAnchor = "@attribute [ExcludeFromInteractiveRouting]";

    public const string AccountImports = """
        @attribute [ExcludeFromInteractiveRouting]
        @attribute [Security.Auth.LoginNotRequired]
        """;

    public const string IdentityEndpointsAnchor = "app.MapAdditionalIdentityEndpoints();";

    public const string IdentityEndpoints = "app.MapAdditionalIdentityEndpoints().LoginNotRequired();";

    /// <summary>Applies every line above to a fresh <c>blazor --auth Individual</c> app.</summary>
    public static void Apply(TemplateApp app)
    {
        app.Replace("Program.cs", IdentityAnchor, Identity);
        app.Replace("Program.cs", ServicesAnchor, Services);
        app.Replace("Program.cs", FirstMiddlewareAnchor, FirstMiddleware);
        app.Replace("Program.cs", AuthMiddlewareAnchor, AuthMiddleware);
        app.Replace("Program.cs", IdentityEndpointsAnchor, IdentityEndpoints);
        app.Replace("Components/App.razor", ImportMapAnchor, ImportMap);
        app.Replace("Components/App.razor", AppCodeAnchor, AppCode);
        app.Replace("Components/Account/Pages/_Imports.razor", AccountImportsAnchor, AccountImports);
    }
}
