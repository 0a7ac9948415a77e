package io.lakestream.schema;

/** A user-style table, keyed by a long id rather than a timestamp. */
public final class TestTables {
  public static final String USERS_YAML =
      """
      name: users
      description: Users of an application.
      primary_key: user_id
      columns:
        - {name: user_id, type: BIGINT, nullable: false}
        - {name: email, type: TEXT}
        - {name: created_at, type: BIGINT}
      """;

  private TestTables() {}

  public static TableDefinition users() {
    return TableDefinitions.parse("users.yaml", USERS_YAML);
  }
}
