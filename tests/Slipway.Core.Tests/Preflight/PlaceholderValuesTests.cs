using Slipway.Core.Preflight;

namespace Slipway.Core.Tests.Preflight;

/// <summary>The values that stand for one nobody filled in, in every form the rule names, whatever their case.</summary>
public sealed class PlaceholderValuesTests
{
    [Theory]
    [InlineData("OVERRIDE")]
    [InlineData("override")]
    [InlineData("CHANGEME")]
    [InlineData("ChangeMe")]
    [InlineData("change_me")]
    [InlineData("CHANGE-ME")]
    [InlineData("replace_me")]
    [InlineData("TODO")]
    [InlineData("todo")]
    [InlineData("TBD")]
    [InlineData("FIXME")]
    [InlineData("  fixme  ")]
    public void A_placeholder_word_is_one_whatever_its_case(string value)
    {
        Assert.Equal(PlaceholderKind.Word, PlaceholderValues.Find(value)?.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Empty_or_whitespace_is_one(string value)
    {
        Assert.Equal(PlaceholderKind.Empty, PlaceholderValues.Find(value)?.Kind);
    }

    [Theory]
    [InlineData("<your database url>")]
    [InlineData("<DATABASE_URL>")]
    [InlineData(" <x> ")]
    public void A_value_in_angle_brackets_is_one(string value)
    {
        Assert.Equal(PlaceholderKind.AngleBrackets, PlaceholderValues.Find(value)?.Kind);
    }

    [Theory]
    [InlineData("${DATABASE_URL}", "${DATABASE_URL}")]
    [InlineData("postgres://${DB_HOST}:5432/app", "${DB_HOST}")]
    [InlineData("$(DB_HOST)", "$(DB_HOST)")]
    [InlineData("http://$(HOST)/x", "$(HOST)")]
    [InlineData("{{ .Values.smtpHost }}", "{{ .Values.smtpHost }}")]
    [InlineData("smtp://{{host}}:25", "{{host}}")]
    [InlineData("${}", "${}")]
    public void A_reference_left_unexpanded_anywhere_is_one_and_is_named(string value, string reference)
    {
        var found = PlaceholderValues.Find(value);

        Assert.Equal(PlaceholderKind.Unexpanded, found?.Kind);
        Assert.Equal(reference, found?.Text);
    }

    [Theory]
    [InlineData("postgres://db.internal:5432/app")]
    [InlineData("smtp.example.com")]
    [InlineData("TODOS")] // a word that merely contains one
    [InlineData("overrides.json")]
    [InlineData("$HOME")] // no braces: not a reference form the rule names
    [InlineData("a<b>c")]
    [InlineData("{single}")]
    [InlineData("0")]
    public void An_ordinary_value_is_not_one(string value)
    {
        Assert.Null(PlaceholderValues.Find(value));
    }
}
