using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Slipway.Server.Api;

namespace Slipway.Server.Tests.Api;

/// <summary>A missing app and an app in another environment are told apart; a filter on the app list is never ignored.</summary>
public sealed class AppNotFoundTests
{
    [Fact]
    public void An_app_no_environment_has_is_not_found()
    {
        Assert.Equal("app web not found", AppNotFound.Message("web", "dev", []));
    }

    [Fact]
    public void An_app_of_other_environments_names_them()
    {
        Assert.Equal("app web has no environment dev; it exists in prod", AppNotFound.Message("web", "dev", ["prod"]));
        Assert.Equal("app web has no environment dev; it exists in prod, staging", AppNotFound.Message("web", "dev", ["staging", "prod"]));
    }

    [Fact]
    public void No_query_lists_every_environment_and_environment_one()
    {
        Assert.Equal(new AppListQuery(null, null), AppListQuery.Read(Query([])));
        Assert.Equal(new AppListQuery("prod", null), AppListQuery.Read(Query([("environment", "prod")])));
    }

    [Theory]
    [InlineData("env", "prod", "unknown query parameter 'env': GET /api/v1/apps takes only environment")]
    [InlineData("environment", "", "environment takes one name")]
    public void Another_query_is_refused_rather_than_ignored(string key, string value, string error)
    {
        var query = AppListQuery.Read(Query([(key, value)]));

        Assert.Null(query.Environment);
        Assert.StartsWith(error, query.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_environments_are_refused()
    {
        var query = AppListQuery.Read(new QueryCollection(new Dictionary<string, StringValues> { ["environment"] = new(["dev", "prod"]) }));

        Assert.NotNull(query.Error);
    }

    private static QueryCollection Query((string Key, string Value)[] pairs) =>
        new(pairs.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
}
