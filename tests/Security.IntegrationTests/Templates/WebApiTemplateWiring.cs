namespace Security.IntegrationTests.Templates;

/// <summary>
/// The lines the root README's "Using it in the stock templates" shows for <c>dotnet new webapi</c> with Identity's API
/// endpoints, each with the template text it goes next to. <see cref="TemplateReadmeTests"/> checks the README shows them verbatim.
/// </summary>
internal static class WebApiTemplateWiring
{
    public const string UsingsAnchor = "var builder = WebApplication.CreateBuilder(args);";

    public const string Usings = """
        using Microsoft.AspNetCore.Identity;
        using Microsoft.EntityFrameworkCore;

        var builder = WebApplication.CreateBuilder(args);
        """;

    public const string ServicesAnchor = "builder.Services.AddOpenApi();";

    public const string Services = """
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddDbContext<AppDbContext>(o => o.UseSqlite("Data Source=app.db"));
        builder.Services.AddAuthorization();
        builder.Services.AddIdentityApiEndpoints<IdentityUser>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddLoginThrottling();
        builder.Services.AddSecurityHeaders();
        builder.Services.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().None()));
        builder.Services.AddLoginRequired();
        builder.Services.AddLoginThrottling();
        """;

    public const string FirstMiddlewareAnchor = "var app = builder.Build();";

    public const string FirstMiddleware = """
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseContentSecurityPolicy();
        """;

    public const string AuthMiddlewareAnchor = "app.UseHttpsRedirection();";

    public const string AuthMiddleware = """
        app.UseHttpsRedirection();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseLoginRequired();
        app.UseAuthorization();
        app.MapGroup("/account").MapIdentityApi<IdentityUser>().LoginNotRequired();
        """;

    public const string ContextFile = "AppDbContext.cs";

    public const string Context = """
        using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore;

        public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext(options);
        """;

    /// <summary>Applies every line above to a fresh <c>webapi</c> app.</summary>
    public static void Apply(TemplateApp app)
    {
        app.AddPackages(["Microsoft.AspNetCore.Identity.EntityFrameworkCore", "Microsoft.EntityFrameworkCore.Sqlite"]);
        app.Write(ContextFile, Context);
        app.Replace("Program.cs", UsingsAnchor, Usings);
        app.Replace("Program.cs", ServicesAnchor, Services);
        app.Replace("Program.cs", FirstMiddlewareAnchor, FirstMiddleware);
        app.Replace("Program.cs", AuthMiddlewareAnchor, AuthMiddleware);
    }
}
