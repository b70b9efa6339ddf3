/**
 * RFC 9457 problem+json: the exception every layer throws, the JAX-RS mappers that answer with it, strict JSON binding
 * and strict query parameters, whose failures are told in the request's terms.
 */
package io.flowlens.platform.problem;
