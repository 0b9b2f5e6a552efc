namespace Slipway.Server.Images;

/// <summary>Why a key, signing or verification request was not done, for a person, and its kind, for the API's status.</summary>
internal sealed record ImageProblem(string Message, ImageProblemKind Kind)
{
    public static ImageProblem Invalid(string message) => new(message, ImageProblemKind.Invalid);

    public static ImageProblem NotFound(string message) => new(message, ImageProblemKind.NotFound);

    public static ImageProblem Conflict(string message) => new(message, ImageProblemKind.Conflict);

    public static ImageProblem Registry(string message) => new(message, ImageProblemKind.Registry);

    public override string ToString() => Message;
}

internal enum ImageProblemKind
{
    /// <summary>The request is wrong (a name, a reference, a key that is not P-256): 400.</summary>
    Invalid,

    /// <summary>There is no such key: 404.</summary>
    NotFound,

    /// <summary>The name is taken, or the key cannot do it (sign with a key imported for verification only): 409.</summary>
    Conflict,

    /// <summary>The registry could not be read or written (down, refused the login, has no such image): 502.</summary>
    Registry,
}
