using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>Stops this assembly's throwaway PostgreSQL cluster once every test has run.</summary>
[SetUpFixture]
public sealed class PostgresLifetime
{
    [OneTimeTearDown]
    public Task StopPostgres() => PostgresServer.StopAsync();
}
