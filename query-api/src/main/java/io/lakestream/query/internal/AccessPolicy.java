package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.schema.ProjectIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who may read what: each project has bearer tokens that read that project only; the admin token
 * reads every project and registers projects; the metrics token reads {@code /metrics} with every
 * project's series and nothing else. In open mode (development) every request is admitted as admin.
 * Project ids are compared in lower case ({@link ProjectIds#normalize}).
 *
 * <p>Tokens are kept as SHA-256 digests and looked up by the digest of the presented token.
 */
public final class AccessPolicy {
  private static final String BEARER = "bearer ";

  private final Map<String, Set<String>> projectsByDigest = new HashMap<>();
  private final String adminDigest;
  private final String metricsDigest;
  private final boolean open;

  /** Who a request is. */
  public record Principal(boolean admin, Set<String> projects) {
    public Principal {
      projects = Set.copyOf(projects);
    }

    static final Principal ADMIN = new Principal(true, Set.of());

    /** Whether this principal may read {@code project}. */
    public boolean mayRead(String project) {
      return admin || projects.contains(ProjectIds.normalize(project));
    }
  }

  /**
   * @param projectTokens per project, its tokens
   * @param adminToken the admin token, if any
   * @param open whether to admit every request (development only)
   */
  public AccessPolicy(
      Map<String, Set<String>> projectTokens, Optional<String> adminToken, boolean open) {
    this(projectTokens, adminToken, Optional.empty(), open);
  }

  /**
   * @param projectTokens per project, its tokens
   * @param adminToken the admin token, if any
   * @param metricsToken the token that reads every project's metric series, if any
   * @param open whether to admit every request (development only)
   */
  public AccessPolicy(
      Map<String, Set<String>> projectTokens,
      Optional<String> adminToken,
      Optional<String> metricsToken,
      boolean open) {
    projectTokens.forEach(
        (project, tokens) -> {
          for (String token : tokens) {
            projectsByDigest
                .computeIfAbsent(digest(token), d -> new HashSet<>())
                .add(ProjectIds.normalize(project));
          }
        });
    this.adminDigest = adminToken.filter(t -> !t.isBlank()).map(AccessPolicy::digest).orElse(null);
    this.metricsDigest =
        metricsToken.filter(t -> !t.isBlank()).map(AccessPolicy::digest).orElse(null);
    this.open = open;
  }

  /**
   * Whose per-project metric series a request may read, by its {@code Authorization} header value:
   * none without a header (aggregates only), every project's with the admin or metrics token (or in
   * open mode), a project token's own projects otherwise.
   *
   * @throws QueryException (unauthenticated) when a header is sent with an unknown token
   */
  public Predicate<String> metricsProjects(String authorization) {
    if (open) {
      return project -> true;
    }
    if (authorization == null || authorization.isBlank()) {
      return project -> false;
    }
    if (metricsDigest != null && matches(bearerDigest(authorization), metricsDigest)) {
      return project -> true;
    }
    return authenticate(authorization)::mayRead;
  }

  /** Whether every request is admitted. */
  public boolean open() {
    return open;
  }

  /**
   * The principal of a request's {@code Authorization} header value.
   *
   * @throws QueryException (unauthenticated) when the header is missing or the token unknown
   */
  public Principal authenticate(String authorization) {
    if (open) {
      return Principal.ADMIN;
    }
    String digest = bearerDigest(authorization);
    if (adminDigest != null && matches(digest, adminDigest)) {
      return Principal.ADMIN;
    }
    Set<String> projects = projectsByDigest.get(digest);
    if (projects == null) {
      throw QueryErrors.unknownToken();
    }
    return new Principal(false, projects);
  }

  /**
   * Checks that {@code principal} may read {@code project}.
   *
   * @throws QueryException (forbidden) otherwise
   */
  public void checkProject(Principal principal, String project) {
    requireNonNull(project, "project is null");
    if (!principal.mayRead(project)) {
      throw QueryErrors.forbiddenProject(project);
    }
  }

  /**
   * Checks that {@code principal} is the admin.
   *
   * @throws QueryException (forbidden) otherwise
   */
  public void checkAdmin(Principal principal, String what) {
    if (!principal.admin()) {
      throw QueryErrors.adminOnly(what);
    }
  }

  private static String bearerDigest(String authorization) {
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw QueryErrors.missingToken();
    }
    return digest(authorization.substring(BEARER.length()).strip());
  }

  private static boolean matches(String digest, String expected) {
    return MessageDigest.isEqual(
        digest.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static String digest(String token) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
