using Slipway.Oci.Registry;

namespace Slipway.Oci.Tests.Registry;

public sealed class AuthenticationChallengeTests
{
    [Fact]
    public void A_bearer_challenge_gives_its_realm_service_and_scopes()
    {
        var challenge = AuthenticationChallenge.Parse("Bearer",
            """realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/web:pull,push repository:base:pull" """);

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example.com/token", challenge.Realm);
        Assert.Equal("registry.example.com", challenge.Service);
        Assert.Equal(["repository:team/web:pull,push", "repository:base:pull"], challenge.Scopes);
    }

    [Fact]
    public void Quoted_values_keep_commas_and_escaped_quotes_and_bare_values_are_read_too()
    {
        var challenge = AuthenticationChallenge.Parse("Bearer", """realm="https://a/t?x=1,2",error=insufficient_scope, note="say \"hi\"" """);

        Assert.Equal("https://a/t?x=1,2", challenge.Realm);
        Assert.Equal("insufficient_scope", challenge.Parameters["error"]);
        Assert.Equal("say \"hi\"", challenge.Parameters["note"]);
    }

    [Fact]
    public void Scopes_of_one_repository_are_merged_into_one_with_every_action()
    {
        Assert.Equal(
            ["repository:app:pull,push", "repository:base:pull"],
            RegistryScope.Merge(["repository:app:pull,push", "repository:base:pull", "repository:app:push,pull"]));
    }
}
