package propedit

// smallDocs are documents full of the syntax's corner cases, seeds for the
// fuzz targets and cases for the comparison with Java.
var smallDocs = []string{
	"",
	"k",
	"k=v",
	"k = v\n",
	"k: v\r\n",
	"k v\r",
	"  # c\\\nk=v",
	"! c\nk = a\\\n  b\\\n\n",
	"k = \\\n",
	"k=\\\\\\",
	"a\\ b\\=c\\:d = \\ \\t\\u0041",
	"k = caf\xe9\n\xe9 = 1",
	"k = = :",
	"\f\t k\f=\f",
	"k\\\n  \\\n  = v",
	"connectionfactory.TopicConnectionFactory = amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'\n",
	"connectionfactory.TopicConnectionFactory = amqp://a:b@c/d?brokerlist='tcp://localhost:56\\\n  72;tcp://h:1'\n",
	"k = \\ud83d\\ude00\\ud83d x",
}
