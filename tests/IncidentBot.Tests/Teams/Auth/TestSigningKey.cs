using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Teams.Auth;

/// <summary>An RSA key made for one test run, published with the Bot Framework's endorsements (or without any).</summary>
public sealed class TestSigningKey(string kid, string[]? endorsements)
{
    private readonly RSA _rsa = RSA.Create(2048);

    public SigningCredentials Credentials => new(new RsaSecurityKey(_rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256);

    public Dictionary<string, object> Jwk()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (endorsements is not null)
        {
            jwk["endorsements"] = endorsements;
        }

        return jwk;
    }
}
