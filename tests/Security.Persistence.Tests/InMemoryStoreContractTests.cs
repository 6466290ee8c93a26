using Security.Abstractions;

namespace Security.Persistence.Tests;

/// <summary>The store contract on the in-memory stores of Security.Abstractions: the behaviour reference.</summary>
[TestFixture]
public sealed class InMemoryStoreContractTests : StoreContractTests
{
    protected override Task<long> StoredReportRowsAsync() => Task.FromResult<long>(((InMemoryCspReportStore)Csp).Count);

    protected override Task<(ICspReportStore Csp, IPasswordExpiryStore Expiry, IThrottleCounterStore Throttle)> EmptyStoresAsync() =>
        Task.FromResult<(ICspReportStore, IPasswordExpiryStore, IThrottleCounterStore)>(
            (new InMemoryCspReportStore(), new InMemoryPasswordExpiryStore(), new InMemoryThrottleCounterStore()));
}
