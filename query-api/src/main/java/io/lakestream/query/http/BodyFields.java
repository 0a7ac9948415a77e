package io.lakestream.query.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields a route's JSON body may carry. {@link HttpApi} checks the body of every route that
 * declares them before the route runs: a field the route does not take is refused with a 400 naming
 * it and the fields the route takes, never ignored. A field may hold an object, or a list of
 * objects, whose fields are declared too ({@link #with}). Whether the body is JSON at all, and what
 * the fields hold, the route checks itself, in its own terms.
 *
 * @param names the fields, in the order the error message lists them
 * @param nested the fields of the objects a field holds (alone or in a list), by field
 * @param hint a sentence added to the refusal (e.g. which route takes the field instead), or empty
 */
record BodyFields(List<String> names, Map<String, BodyFields> nested, String hint) {
  BodyFields {
    names = List.copyOf(names);
    nested = Map.copyOf(nested);
    requireNonNull(hint, "hint is null");
    if (!names.containsAll(nested.keySet())) {
      throw new IllegalArgumentException("nested fields " + nested.keySet() + " not in " + names);
    }
  }

  /** A body of these fields, none of which holds declared fields of its own. */
  static BodyFields of(String... names) {
    return new BodyFields(List.of(names), Map.of(), "");
  }

  /** These fields, where {@code field} holds objects (or a list of them) of {@code fields}. */
  BodyFields with(String field, BodyFields fields) {
    Map<String, BodyFields> more = new LinkedHashMap<>(nested);
    more.put(field, fields);
    return new BodyFields(names, more, hint);
  }

  /** These fields, refusals adding {@code sentence}. */
  BodyFields hint(String sentence) {
    return new BodyFields(names, nested, sentence);
  }

  /**
   * Checks a body's fields (a body that is not an object is left to the route).
   *
   * @param route the route, named in the refusal ({@code POST /v1/sql})
   * @throws QueryException bad request naming the first field the route does not take
   */
  void check(String route, JsonNode body) {
    check(route, body, "", "");
  }

  private void check(String route, JsonNode node, String path, String where) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (!names.contains(name)) {
        throw QueryErrors.unknownField(route, path + name, where, names, hint);
      }
      BodyFields inner = nested.get(name);
      if (inner == null) {
        continue;
      }
      JsonNode value = field.getValue();
      if (value.isArray()) {
        for (int i = 0; i < value.size(); i++) {
          inner.check(route, value.get(i), path + name + "[" + i + "].", name);
        }
      } else {
        inner.check(route, value, path + name + ".", name);
      }
    }
  }
}
