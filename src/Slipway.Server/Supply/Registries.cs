using Slipway.Oci.Registry;

namespace Slipway.Server.Supply;

/// <summary>
/// A registry's refusal as the API answers it: the registry client's message as it is (it names the operation, the
/// repository, the registry and what the registry said), with 404 when the thing asked for is not there and 502 for
/// everything else the registry did wrong or could not do.
/// </summary>
internal static class Registries
{
    public static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (RegistryException e)
        {
            throw new SupplyException(e.IsNotFound ? 404 : 502, e.Message, e);
        }
    }
}
