using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Slipway.Server.Api;

/// <summary>The API's protection as one piece: JSON errors outermost, then the guard (see <see cref="ApiGuard"/>).</summary>
internal static class ApiSecurity
{
    public static IServiceCollection AddApiSecurity(this IServiceCollection services, ApiToken token, HostAllowList hosts)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(token);
        services.AddSingleton(hosts);

        // A body that does not bind throws, so that ApiErrors answers it in JSON instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static IApplicationBuilder UseApiSecurity(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ApiErrors>();
        app.UseMiddleware<ApiGuard>();
        return app;
    }
}
