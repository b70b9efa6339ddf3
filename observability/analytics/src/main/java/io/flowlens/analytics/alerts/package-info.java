/**
 * Alert rules as code: the rules file read into records, each rule judging numbers the check measures in
 * Elasticsearch.
 */
package io.flowlens.analytics.alerts;
