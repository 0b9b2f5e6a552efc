namespace Slipway.Oci.Tests.Sbom;

/// <summary>Files of each ecosystem as real tools write them, trimmed to what the cataloguers read.</summary>
internal static class SampleFiles
{
    public const string OsRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        """;

    public const string DpkgStatus = """
        Package: libssl3
        Status: install ok installed
        Priority: optional
        Section: libs
        Installed-Size: 6168
        Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
        Architecture: amd64
        Multi-Arch: same
        Source: openssl
        Version: 3.0.11-1~deb12u2
        Depends: libc6 (>= 2.34)
        Description: Secure Sockets Layer toolkit - shared libraries
         This package is part of the OpenSSL project's implementation of the SSL
         and TLS cryptographic protocols for secure communication over the
         Internet.

        Package: bsdutils
        Essential: yes
        Status: install ok installed
        Priority: required
        Section: utils
        Architecture: amd64
        Source: util-linux (2.38.1-5)
        Version: 1:2.38.1-5+b1
        Description: basic utilities from 4.4BSD-Lite

        Package: tar
        Essential: yes
        Status: install ok installed
        Architecture: amd64
        Version: 1.34+dfsg-1.2+deb12u1
        Description: GNU version of the tar archiving utility

        Package: vim-tiny
        Status: deinstall ok config-files
        Architecture: amd64
        Source: vim
        Version: 2:9.0.1378-2
        Description: Vi IMproved - enhanced vi editor - compact version

        """;

    public const string DistrolessStatus = """
        Package: base-files
        Version: 12.4+deb12u5
        Architecture: amd64
        Maintainer: Santiago Vila <sanvila@debian.org>

        """;

    public const string DepsJson = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0", "signature": "" },
          "targets": { ".NETCoreApp,Version=v10.0": {} },
          "libraries": {
            "Web/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "Newtonsoft.Json/12.0.3": { "type": "package", "serviceable": true, "sha512": "sha512-x", "path": "newtonsoft.json/12.0.3", "hashPath": "newtonsoft.json.12.0.3.nupkg.sha512" },
            "System.Text.Json/8.0.4-rc.1": { "type": "package", "serviceable": true, "sha512": "sha512-y", "path": "system.text.json/8.0.4-rc.1" },
            "Shared/1.0.0": { "type": "project" },
            "Legacy/1.0.0.0": { "type": "reference" }
          }
        }
        """;

    public const string PackageLockV3 = """
        {
          "name": "web",
          "version": "1.0.0",
          "lockfileVersion": 3,
          "requires": true,
          "packages": {
            "": { "name": "web", "version": "1.0.0", "dependencies": { "lodash": "^4.17.20" } },
            "node_modules/lodash": { "version": "4.17.20", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz" },
            "node_modules/@acme/widget": { "version": "2.0.0-beta.2" },
            "node_modules/@acme/widget/node_modules/left-pad": { "version": "1.2.5" },
            "node_modules/jest": { "version": "29.7.0", "dev": true },
            "node_modules/shared": { "resolved": "../shared", "link": true },
            "../shared": { "version": "0.1.0" }
          }
        }
        """;

    public const string PackageLockV1 = """
        {
          "name": "legacy",
          "version": "1.0.0",
          "lockfileVersion": 1,
          "dependencies": {
            "express": {
              "version": "4.17.1",
              "requires": { "qs": "6.7.0" },
              "dependencies": { "qs": { "version": "6.7.0" } }
            },
            "mocha": { "version": "10.0.0", "dev": true },
            "local-lib": { "version": "file:../local-lib" }
          }
        }
        """;

    public static string PackageJson(string name, string version) => $$"""{ "name": "{{name}}", "version": "{{version}}", "main": "index.js" }""";

    public static string PythonMetadata(string name, string version) => $"""
        Metadata-Version: 2.1
        Name: {name}
        Version: {version}
        Summary: A test distribution
        Requires-Dist: idna (<4,>=2.5)

        Name: not-a-header
        The long description, which may say anything.
        """;
}
