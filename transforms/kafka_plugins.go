package transforms

func kafkaTransforms() []*Plugin { return nil }

func kafkaPredicates() []*Plugin { return nil }

func debeziumTransforms() []*Plugin { return nil }
