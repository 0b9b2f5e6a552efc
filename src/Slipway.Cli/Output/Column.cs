namespace Slipway.Cli.Output;

/// <summary>One column of a <see cref="ListOutput{T}"/>: its header, its cell for an item, and whether only <c>-o wide</c> shows it.</summary>
internal sealed record Column<T>(string Header, Func<T, string> Cell, bool WideOnly = false);
