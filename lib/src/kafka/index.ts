// The Kafka side: the client handle, topics, the kcat equivalents, the producer, the reader.
export { createKafka, KafkaClient, type KafkaClientOptions } from './client.js';
export { listMetadata, createTopic, deleteTopics, listTopics, topicOffsets, uniqueTopicName, isKafkaReachable, type ClusterMetadata, type CreateTopicOptions, type PartitionRange } from './admin.js';
export { kcatCommand, produceLine, produceMessages, consume, type ConsumeFrom, type ConsumedMessage, type ConsumeOptions, type ProducedLine } from './kcat.js';
export { produceCampaign, formatProgress, type ProduceOptions, type ProduceProgress, type ProduceSummary } from './producer.js';
export { produceCampaignOffThread } from './producer-thread.js';
