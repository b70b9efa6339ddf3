/** End-to-end tests of the running system: service processes, real Jaeger and Elasticsearch. */
package io.flowlens.systemtests;
