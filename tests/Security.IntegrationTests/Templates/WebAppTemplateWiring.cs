namespace Security.IntegrationTests.Templates;

/// <summary>
/// The lines the root README's "Using it in the stock templates" shows for <c>dotnet new webapp --auth Individual</c>,
/// each with the template text it goes next to. <see cref="TemplateReadmeTests"/> checks the README shows them verbatim.
/// </summary>
internal static class WebAppTemplateWiring
{
    public const string IdentityAnchor = "    .AddEntityFrameworkStores<ApplicationDbContext>();";

    public const string Identity = """
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ApplicationDbContext>()
            .AddPasswordExpiry()
            .AddLoginThrottling();
        """;

    public const string ServicesAnchor = "builder.Services.AddRazorPages();";

    public const string Services = """
        builder.Services.AddRazorPages();
        builder.Services.AddSecurityHeaders();
        builder.Services.AddSecurityCsp(o => o.UsePolicy(p =>
        {
            p.DefaultSrc().Self();
            p.ScriptSrc().Self().WithNonce();
            p.ImgSrc().Self().Data();
            p.ObjectSrc().None();
            p.BaseUri().Self();
        }));
        builder.Services.AddLoginRequired();
        builder.Services.AddPasswordExpiry(o => o.ChangePasswordUrl = "/Identity/Account/Manage/ChangePassword");
        builder.Services.AddLoginThrottling();
        builder.Services.AddCrossOriginProtection();
        """;

    public const string FirstMiddlewareAnchor = "var app = builder.Build();";

    public const string FirstMiddleware = """
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseContentSecurityPolicy();
        """;

    public const string AuthMiddlewareAnchor = "app.UseAuthorization();";

    public const string AuthMiddleware = """
        app.UseCrossOriginProtection();
        app.UseAuthentication();
        app.UseLoginRequired();
        app.UsePasswordExpiry();
        app.UseAuthorization();
        """;

    public const string DashboardAnchor = "   .WithStaticAssets();";

    public const string Dashboard = """
           .WithStaticAssets();
        app.MapCspReportDashboard("/csp-reports").RequireAuthorization(p => p.RequireRole("Admin"));
        """;

    public const string ViewImportsAnchor = "@addTagHelper *, Microsoft.AspNetCore.Mvc.TagHelpers";

    public const string ViewImports = """
        @addTagHelper *, Microsoft.AspNetCore.Mvc.TagHelpers
        @addTagHelper *, Security.Csp
        """;

    public const string ImportMapAnchor = """<script type="importmap"></script>""";

    public const string ImportMap = """<script type="importmap" asp-add-nonce></script>""";

    /// <summary>
    /// Identity's own partial loads jquery-validate from a CDN with inline fallbacks outside Development; the template's
    /// partial, at the path that overrides Identity's, loads the app's local copies instead.
    /// </summary>
    public const string ValidationScriptsFrom = "Pages/Shared/_ValidationScriptsPartial.cshtml";

    public const string ValidationScriptsTo = "Areas/Identity/Pages/_ValidationScriptsPartial.cshtml";

    /// <summary>Applies every line above to a fresh <c>webapp --auth Individual</c> app.</summary>
    public static void Apply(TemplateApp app)
    {
        app.Replace("Program.cs", IdentityAnchor, Identity);
        app.Replace("Program.cs", ServicesAnchor, Services);
        app.Replace("Program.cs", FirstMiddlewareAnchor, FirstMiddleware);
        app.Replace("Program.cs", AuthMiddlewareAnchor, AuthMiddleware);
        app.Replace("Program.cs", DashboardAnchor, Dashboard);
        app.Replace("Pages/_ViewImports.cshtml", ViewImportsAnchor, ViewImports);
        app.Replace("Pages/Shared/_Layout.cshtml", ImportMapAnchor, ImportMap);
        app.Copy(ValidationScriptsFrom, ValidationScriptsTo);
    }
}
