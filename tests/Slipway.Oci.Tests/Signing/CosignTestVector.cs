namespace Slipway.Oci.Tests.Signing;

/// <summary>
/// A signature cosign made, with the key that verifies it: the fixture <c>signature/fixtures/dir-img-cosign-valid</c>
/// of containers/image (Apache-2.0; added in "Add Cosign verification support", 2022-07), an image pushed to
/// <c>192.168.64.2:5000/cosign-signed-single-sample</c> and signed with <c>cosign sign --key</c>; the public key is
/// <c>signature/fixtures/cosign.pub</c>. Verifying it proves Slipway reads what cosign writes; writing the same payload
/// byte for byte proves the other direction for the payload.
/// </summary>
internal static class CosignTestVector
{
    public const string PublicKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFNLqFhf4fiN6o/glAuYnq2jYUeL0
        vRuLu/z39pmbVwS9ff5AYnlwaP9sxREajdLY9ynM6G1sy6AAmb7Z63TsLg==
        -----END PUBLIC KEY-----
        """;

    /// <summary>Another key of the same fixtures (<c>cosign2.pub</c>), which did not sign it.</summary>
    public const string OtherPublicKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwOkOF9xpfG8ghueIhnZ66ooujwt1
        +ReV3HupgKnGFYnEh3Hh1YTg5L6kN1Yakkt5WltRoav8/R3hpCtUO3Rldw==
        -----END PUBLIC KEY-----
        """;

    public const string Repository = "192.168.64.2:5000/cosign-signed-single-sample";

    public const string ManifestDigest = "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00";

    public const string Payload =
        """{"critical":{"identity":{"docker-reference":"192.168.64.2:5000/cosign-signed-single-sample"},"image":{"docker-manifest-digest":"sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"},"type":"cosign container image signature"},"optional":null}""";

    public const string Base64Signature = "MEYCIQDmtamqYPjMg81nqeBhptrPls44aA/r7PwLmspINJY4MwIhANKRpqe2E9UCBtGFdPoz/8jAbaQm4uP4h+IpwKTE6ClR";

    /// <summary>
    /// A second cosign signature, by the other key (<c>cosign2.pub</c>), of an image in a two-component repository,
    /// uploaded with a Rekor bundle annotation: fixture <c>signature/fixtures/dir-img-cosign-key-rekor-valid</c>.
    /// </summary>
    public static class SecondKey
    {
        public const string Repository = "192.168.64.2:5000/cosign-signed/key-1";

        public const string ManifestDigest = "sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a";

        public const string Payload =
            """{"critical":{"identity":{"docker-reference":"192.168.64.2:5000/cosign-signed/key-1"},"image":{"docker-manifest-digest":"sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a"},"type":"cosign container image signature"},"optional":null}""";

        public const string Base64Signature = "MEUCIQClOJvH+5f5Gr+FLd1c+NS/a+TJQ+BDDoJcnlD0FKqI3AIgPVcMB5yb/JdtohCSzrxATJX6UcyWO+uAWO8Q7CNGnRQ=";
    }
}
