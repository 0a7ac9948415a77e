/** Implementation of the learned index: segmentation, radix table, binary format. Not API. */
package io.lakestream.index.internal;
