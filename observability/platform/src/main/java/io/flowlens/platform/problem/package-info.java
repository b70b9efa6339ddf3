/**
 * RFC 9457 problem+json: the exception every layer throws, the JAX-RS mappers that answer with it, strict JSON binding.
 */
package io.flowlens.platform.problem;
