using System.Reflection;

namespace IncidentBot.Access;

/// <summary>
/// <c>.RequireRole(AccessRole.Lead)</c> on an endpoint (or a group): the least role a caller needs, checked before the
/// handler runs. A refusal is a 403 problem whose detail names the role and how to get it. The role is also the
/// endpoint's metadata (<see cref="RequiredRole"/>), so a test can see that every <c>/api</c> endpoint declares one.
/// </summary>
internal static class RoleRequirements
{
    /// <summary>The least role an endpoint needs.</summary>
    public sealed record RequiredRole(AccessRole Role);

    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, AccessRole role) where TBuilder : IEndpointConventionBuilder
    {
        var required = new RequiredRole(role);
        builder.WithMetadata(required);
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var typed = TypedUser(factory.MethodInfo);
            return async invocation =>
            {
                var context = invocation.HttpContext;
                // The most specific declaration counts (an endpoint's over its group's), and is checked once.
                if (!ReferenceEquals(context.GetEndpoint()?.Metadata.GetMetadata<RequiredRole>(), required))
                {
                    return await next(invocation);
                }
                var actor = HttpActor.Of(context, typed(invocation.Arguments));
                if (HttpActor.Refusal(context, actor, role, $"{context.Request.Method} {context.Request.Path}") is not { } refusal)
                {
                    return await next(invocation);
                }
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RoleRequirements))
                    .LogInformation("Refused {Method} {Path} for {User}: it needs the {Role} role", context.Request.Method, context.Request.Path, actor.Name, ApiTokens.RoleName(role));
                return TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: $"Needs the {ApiTokens.RoleName(role)} role");
            };
        });
        return builder;
    }

    /// <summary>
    /// Reads the name a request types for itself, for callers that prove nothing: a <c>user</c> parameter (query), or
    /// the <c>User</c> of the request body.
    /// </summary>
    private static Func<IList<object?>, string?> TypedUser(MethodInfo method)
    {
        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var index = i;
            if (parameters[i].ParameterType == typeof(string) && string.Equals(parameters[i].Name, "user", StringComparison.OrdinalIgnoreCase))
            {
                return arguments => arguments[index] as string;
            }
            if (parameters[i].ParameterType.GetProperty("User", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var type } property && type == typeof(string))
            {
                return arguments => arguments[index] is { } body ? property.GetValue(body) as string : null;
            }
        }
        return _ => null;
    }
}
