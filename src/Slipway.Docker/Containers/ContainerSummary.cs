namespace Slipway.Docker.Containers;

/// <summary>One container as the engine lists it: enough to re-adopt it (its labels) and to know whether it runs.</summary>
/// <param name="State">The engine's word: created, running, exited …</param>
public sealed record ContainerSummary(
    string Id,
    string Name,
    string Image,
    string ImageId,
    IReadOnlyDictionary<string, string> Labels,
    string State,
    DateTimeOffset Created)
{
    public bool Running => State == "running";
}
