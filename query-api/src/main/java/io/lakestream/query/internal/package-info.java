/**
 * The query sidecar's services and the implementations of its extension points; not meant to be
 * used from outside {@code query-api} (the HTTP routes in {@code http} call the services, {@code
 * QueryRole} builds them).
 */
package io.lakestream.query.internal;
